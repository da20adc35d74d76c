"""The model's confidence in each machine translation (issue 12): the mean log-probability
per token of the hypothesis it chose. NULL for human text and for MT made before it was
recorded."""
COLUMNS = [("segments", "mt_confidence", "REAL")]
