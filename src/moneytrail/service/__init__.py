"""Service layer: one function per user task, over a Workspace opened once."""
