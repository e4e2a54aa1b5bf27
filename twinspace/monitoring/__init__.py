"""Operations endpoints: /readyz (dependencies reachable, schema current) and /metrics."""
