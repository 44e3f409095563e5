"""Carbon and environmental-benefit engine: factor library, calculators with traces, stored runs."""
