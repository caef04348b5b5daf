-- Runs once, on an empty data volume, as POSTGRES_USER (jiandu): one database per service.
CREATE DATABASE topics OWNER jiandu;
CREATE DATABASE deputies OWNER jiandu;
CREATE DATABASE finance OWNER jiandu;
CREATE DATABASE notifications OWNER jiandu;
