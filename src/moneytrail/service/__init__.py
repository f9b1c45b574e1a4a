"""The service layer: one function per user task, shared by the CLI, the web app and reports.

Each task takes a `Workspace` (the data opened once per process) and validated inputs, and
returns a `Result` (tables with units, facts, provenance) that names its run id.
"""
