"""The CRM domain of the schema: contacts, interactions (the activity history) and leads."""
