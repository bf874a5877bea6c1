-- The dashboard counts the KUBE whose monitoring visit is overdue (last visit, or the day
-- formed when never visited, before a bound): two ranges of this index, which also holds
-- what the count filters on, instead of reading every KUBE.
CREATE INDEX kube_visit_due ON kube(last_visit_on, formed_on, stage, district_code);
