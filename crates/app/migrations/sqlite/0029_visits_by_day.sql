-- The dashboard counts the year's visits by their day: a range of this index instead of
-- every visit ever made (a million in a province's regency).
CREATE INDEX visits_by_day ON visits(visited_on, kube_id);
