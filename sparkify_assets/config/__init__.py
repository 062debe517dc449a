"""What the operator sets: the SPARKIFY_* environment read and checked (`settings`,
`environment`), the seed's dwh.cfg (`dwh_cfg`), and the resources those settings describe
(`resources`)."""
