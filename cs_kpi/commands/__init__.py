"""One module per command, each the same pipeline (issue 9, point 5):

detect → read → rules → write atomically → render.

`pipeline.Run` carries a command through those steps with the progress bar
of SPEC §2 (long work shows where it is on a terminal, nothing elsewhere);
each command returns an `Outcome` whose `to_json` is its `--json` result.
The CLI (`cs_kpi.cli`) only parses options and calls `run` of a module here.
"""
