"""Qt widgets only; business logic lives in the core packages."""
