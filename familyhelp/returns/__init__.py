"""Statutory returns from the live records: the CIN census (XML), SSDA903 (CSV tables) and Ofsted's Annex A
(xlsx), each with a data-quality report that names the record to fix before the return goes."""
