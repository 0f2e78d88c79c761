"""Sales, service and marketing: opportunities, the pipeline, complaints, campaigns, KPIs."""
