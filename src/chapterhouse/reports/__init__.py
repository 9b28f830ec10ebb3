"""Conference reports and other generated documents (PDF, iCalendar), in every language."""
