-- A KUBE list's count is summed from the tallies of its filter (one dimension's code, a
-- status, the kecamatan): a few rows of this index instead of every tally of a kecamatan.
CREATE INDEX kube_tallies_key ON kube_tallies(dim, code, status);
