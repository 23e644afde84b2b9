DROP TABLE steering_decisions;
DROP TABLE steering_attendance;
DROP TABLE steering_meetings;
DROP TABLE steering_memberships;
DROP TABLE steering_groups;
