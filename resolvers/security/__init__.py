"""Security in the schema: partner assignments (and, later, anything else about access)."""
