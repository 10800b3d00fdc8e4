"""cdk-nag 2 -> cdk-nag 3 migration (group `cdk-nag-v3`, opt-in): `cdkfix apply --select cdk-nag-v3 .`

NAG3-1 packs registered as Aspects -> validation plugins; NAG3-2 NagSuppressions ->
Validations.of(...).acknowledge(...); the last of them selected removes the imports and
suppression lists the migration left unused (imports.py). See docs/nag-v3-migration.md.
"""
