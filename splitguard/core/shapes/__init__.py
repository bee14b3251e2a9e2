"""Label shapes: one module per way of writing labels, found through entry points."""
