"""Reports for the people who compile visits: the network summary, school pages, the area view,
themes, print (HTML and PDF) and exports. Small modules named by what they compute."""

from server.reports.summary import network_summary

__all__ = ["network_summary"]
