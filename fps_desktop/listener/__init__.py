"""The localhost listener PBMS pushes GUIDs to, and its request checks. No Qt."""
