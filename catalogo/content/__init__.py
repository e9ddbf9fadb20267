"""The contract (pydantic), reading and checking the content folder, the typed records of a site."""
