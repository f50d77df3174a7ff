// Reporting: see DESIGN.md. Filled in by its issue.
import AuditCore
