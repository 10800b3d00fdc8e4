"""The AwsSolutions pack: cdk-nag 3's own AwsSolutions rules, fixed in the Python source.

Codes are cdk-nag's IDs (`AwsSolutions-S10`); every rule is in the group `AwsSolutions` and
opt-in (`--select AwsSolutions`, `--extend-select AwsSolutions-S`). Simple keyword rules are
declarations (keyword_rules.py, see cdkfix/keyword_rule.py); a rule that scaffolds
resources gets its own module here. No rule ever acknowledges or suppresses a finding.
"""
