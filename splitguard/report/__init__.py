"""Reports people read: a self-contained HTML page and GitHub-flavoured Markdown.

The entry points (`stats.write_stats_reports`, `check.write_check_reports`,
`split.write_split_reports`) take plain data, build one `document.Document` and hand
it to both renderers, so the page and the Markdown always carry the same content.
matplotlib is imported only when a chart is drawn.
"""
