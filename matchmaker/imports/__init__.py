"""The organisers' import page: upload a CSV file, check the preview, confirm."""
