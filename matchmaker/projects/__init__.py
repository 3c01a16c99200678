"""Collaborative projects: proposals, consortia, the pipeline."""
