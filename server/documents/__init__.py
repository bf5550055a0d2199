"""Documents: print layouts, PDFs rendered from them, and e-mailing them through a background job."""
