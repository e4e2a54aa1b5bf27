"""The National and European Quality Label: eligibility, the six-criteria application, evidence
drawn from the TwinSpace's event log, and the national support services' review."""
