"""The conversion engine, without Prefect: a file read into a document, a file converted into its outputs."""
