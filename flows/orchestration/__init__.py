"""Running batches: the Prefect flow, the worker pool and its head start, the Prefect server, the lifeline."""
