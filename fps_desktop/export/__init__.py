"""Invoice and basic-data export from MySQL. No Qt."""
