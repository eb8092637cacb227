"""Fixtures shared by every test package. Area fixtures live in tests/<area>/conftest.py."""
