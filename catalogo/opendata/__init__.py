"""What reusers download: JSON and CSV exports, JSON Schemas, DCAT-AP_IT, feeds."""
