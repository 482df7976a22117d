"""OFD (GB/T 33190) documents: ``package`` opens the zip within limits, ``document``
reads its model, ``painter`` draws its pages as PDF (``ofd_to_pdf``), ``seal`` finds
the stamp in its signatures."""
