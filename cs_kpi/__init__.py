"""cs-kpi: correct templates, appraisal scoring and SLA reports for customer-service teams."""

__version__ = "0.1.0"
