"""The splitter: group-aware multi-label stratification, repair, metrics (numpy; scipy.sparse
labels are read as they come).

Import the submodules directly (`splitguard.split.stratify`, `.repair`, `.metrics`,
`.sklearn_api`); this package file stays empty so that importing it costs nothing.
"""
