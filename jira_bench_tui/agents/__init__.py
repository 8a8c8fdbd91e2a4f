"""Who acts in a trial: the agent contract (base), the Claude agent, and the offline oracle, null and replay agents."""
