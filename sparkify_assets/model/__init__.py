"""What the warehouse is: its tables and their SQL (`tables`, `sql`, `catalogue`), the two
targets and what differs between them (`targets`), and which days a load covers (`days`).
Plain Python: nothing here connects to a database or knows that Dagster runs it."""
