"""The organisers' dashboard: figures for funders, charts, CSV and JSON, the annual report."""
