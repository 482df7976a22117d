"""What is on an invoice, and whether it was claimed before. No Qt.

- ``reader.read_invoice(data, name) -> InvoiceFields``: every field with its source
  and the disagreements between sources (XML > OFD data > QR code > PDF text).
- ``kinds.KINDS``: the kinds of invoice and ticket, their names, titles and QR types.
- ``corrections.CorrectionStore``: the values a clerk typed for a GUID's files.
- ``ofd_fields.read_ofd_fields(data)``: the fields an OFD invoice carries (reading and
  drawing OFD itself is ``formats.ofd``).
- ``register.open_register(settings) -> Register``: ``record_many``, ``lookup``,
  ``record_printed``, ``duplicates``; SQLite here or the shared MySQL.
- ``listing.list_invoices(manifest, blob_path, register, ...) -> InvoiceList``: the
  GUID's invoice table with duplicates, buyer check and sum; JSON, XLSX, CSV.
- ``cover.cover_sheet_pdf(listing, clerk, attachments, pages, date) -> bytes``.
"""
