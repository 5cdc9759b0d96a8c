"""Documents: readers per format and the import job."""
