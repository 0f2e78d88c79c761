"""Repositories: all SQL of the CRM store, one class per aggregate."""
