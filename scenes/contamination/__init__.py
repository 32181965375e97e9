"""OCD contamination: a public washroom and a kitchen, for exposure with response prevention."""
