"""Earlier postmortems: read (``documents``), indexed for search (``index``), and matched to a draft (``related``)."""
