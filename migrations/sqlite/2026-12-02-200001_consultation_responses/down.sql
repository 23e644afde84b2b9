DROP TABLE consultation_responses;
