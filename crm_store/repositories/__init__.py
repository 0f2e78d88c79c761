"""All SQL of the CRM store, one repository class per aggregate. Repositories only flush."""
