"""The office's painel: counts, today's visits, this month's costs and a weekly trend."""
