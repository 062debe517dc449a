"""Sample data and what it should give: the deterministic generator (`generate` and the modules
it draws on), its ground truth (`ground_truth`), the one Python statement of the analytics rules
(`analytics_oracle`), and the comparison with a warehouse (`truth`)."""
