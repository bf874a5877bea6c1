-- The facilitator's monthly report: the plan for the next month, which the facilitator
-- writes on the report's page (the rest of the report is read from the visits).
CREATE TABLE monthly_plans (
    user_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    plan TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, month)
);
