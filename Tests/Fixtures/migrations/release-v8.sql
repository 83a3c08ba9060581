-- A database made by the released binaries (schema version 8: 44 separate executables),
-- with rows in every agent's tables: Tests/Fixtures/migrations/README.md says how it was made.
PRAGMA user_version = 8;
BEGIN TRANSACTION;
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
INSERT INTO "api_keys" VALUES(1,'ci','fbk_nZA7NV','8ac7a073f16c04f9ec25024b1598e2b20eab429bac4ff989c67c6d3b4199714b','2026-01-05T08:00:00.000Z',NULL);
INSERT INTO "api_keys" VALUES(2,'old','fbk_nKz9vb','d83c819dd44f113a0036ff7ce616fd96355f5b4cf7685a1fcbf125fa9b332d04','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE calendar_sync (
    source TEXT PRIMARY KEY,
    etag TEXT,
    sync_token TEXT,
    polled_at TEXT NOT NULL
);
INSERT INTO "calendar_sync" VALUES('ics:/work/wt/migrations/Tests/Fixtures/poll-calendar/sample.ics',NULL,NULL,'2026-01-05T08:00:00.000Z');
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    brief TEXT NOT NULL,
    fields TEXT NOT NULL,
    phones TEXT NOT NULL,
    opening_message TEXT,
    max_turns INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'completed')),
    idempotency_key TEXT UNIQUE,
    input_hash TEXT NOT NULL,
    launched_at TEXT,
    completed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO "campaigns" VALUES(1,'Gas station habits','We want to understand how drivers choose where to fill up: which brand they buy, how often they stop, whether loyalty cards matter, what they pay, and what would make them switch stations.','[{"description":"Which fuel brand you usually buy","enum":["Shell","BP","Aral","Esso","Other"],"max":null,"min":null,"name":"fuel_brand","type":"enum"},{"description":"How many times a month you fill up","enum":null,"max":60,"min":0,"name":"visits_per_month","type":"integer"},{"description":"Whether you use a loyalty card when you pay","enum":null,"max":null,"min":null,"name":"uses_loyalty_card","type":"boolean"},{"description":"What you paid per litre last time, in euros","enum":null,"max":5,"min":0.5,"name":"litre_price","type":"number"},{"description":"What would make you switch to another station","enum":null,"max":null,"min":null,"name":"switch_reason","type":"string"}]','["+4915112345678","+447700900123","+14155550134"]','Hi! I''m reaching out for a short research study (Gas station habits) and would really value your view. Would you have a few minutes to answer some quick questions here?',20,'active','gas-station-2026','c5c371f6d3150d70fa67e7f1ae666a0707503986036ea07e728fb03f1f7e7e6a','2026-01-05T08:00:00.000Z',NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    role_id INTEGER NOT NULL REFERENCES roles (id),
    name TEXT NOT NULL,
    email TEXT,
    linkedin_url TEXT,
    phone TEXT,
    location TEXT,
    current_title TEXT,
    current_company TEXT,
    years_experience REAL,
    years_raw TEXT,
    industries TEXT NOT NULL DEFAULT '[]',
    skills TEXT NOT NULL DEFAULT '[]',
    education TEXT,
    bio TEXT,
    history TEXT NOT NULL DEFAULT '[]',
    tenure_months REAL,
    extra TEXT NOT NULL DEFAULT '{}',
    algo_score REAL,
    ai_score REAL,
    combined_score REAL,
    tier TEXT,
    breakdown TEXT,
    ai_rationale TEXT,
    ai_status TEXT NOT NULL DEFAULT 'pending' CHECK (ai_status IN ('pending', 'scored', 'failed', 'skipped')),
    ai_provider TEXT,
    ai_error TEXT,
    missing_required TEXT NOT NULL DEFAULT '[]',
    missing_preferred TEXT NOT NULL DEFAULT '[]',
    red_flags TEXT NOT NULL DEFAULT '[]',
    completeness INTEGER,
    needs_scoring INTEGER NOT NULL DEFAULT 1,
    extracted_at TEXT,
    scored_at TEXT,
    interview_status TEXT NOT NULL DEFAULT 'not_scheduled'
        CHECK (interview_status IN ('not_scheduled', 'briefing', 'in_progress', 'completed')),
    room_provider TEXT,
    room_name TEXT UNIQUE,
    room_url TEXT,
    room_expires_at TEXT,
    briefing TEXT,
    interview_score REAL,
    recommendation TEXT,
    notes TEXT,
    source TEXT NOT NULL CHECK (source IN ('csv_upload', 'manual')),
    profile_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (role_id, email),
    UNIQUE (role_id, linkedin_url)
);
INSERT INTO "candidates" VALUES(1,1,'Priya Raman','priya.raman@example.com','https://www.linkedin.com/in/priyaraman',NULL,NULL,'Principal Backend Engineer','Ledgerly',11.0,NULL,'["Fintech"]','["Python","PostgreSQL","AWS","Kubernetes","Go","Kafka"]','MSc Computer Science, TU Munich','Leads the payments ledger platform: Python services on Kubernetes, Postgres at 40k TPS, Kafka event sourcing.','["Stripe","Adyen"]',NULL,'{}',95.0,95.0,95.0,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"4 of 4 listed","fraction":1,"points":40,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"2 of 3 listed; missing: Terraform","fraction":0.667,"points":10,"weight":15},{"applies":true,"criterion":"years_experience","detail":"11 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Fintech","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Go","Kafka"],"matched_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"missing_required_skills":[],"score":95}','Offline estimate (no language model was called): Principal Backend Engineer at Ledgerly; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills; 11 years of experience, well above the 5 asked for; Principal-level title: Principal Backend Engineer','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',2,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(2,1,'Marcus Oyelaran','marcus.o@example.org','https://www.linkedin.com/in/marcus-oyelaran',NULL,NULL,'Senior Software Engineer','Paystack',7.0,NULL,'["Payments"]','["python","postgres","aws","k8s","terraform"]','BSc Electrical Engineering','Built settlement pipelines and the fraud-scoring API.','["Andela"]',NULL,'{}',90.0,84.0,87.6,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"4 of 4 listed","fraction":1,"points":40,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Go, Kafka","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"7 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Payments","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Terraform"],"matched_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"missing_required_skills":[],"score":90}','Offline estimate (no language model was called): Senior Software Engineer at Paystack; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills; Senior-level title: Senior Software Engineer','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(3,1,'Sofia Lindqvist','sofia.lindqvist@example.se','https://www.linkedin.com/in/sofialindqvist',NULL,NULL,'Backend Engineer','Klarna',5.0,NULL,'["Fintech","E-commerce"]','["Python","PostgreSQL","AWS","Kafka"]','MSc Engineering Physics, KTH','Owns the refunds service; on-call lead for the checkout platform.','[]',NULL,'{}',80.0,68.0,75.2,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: Kubernetes","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Go, Terraform","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"5 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Fintech","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Kafka"],"matched_required_skills":["Python","PostgreSQL","AWS"],"missing_required_skills":["Kubernetes"],"score":80}','Offline estimate (no language model was called): Backend Engineer at Klarna; covers 3 of 4 required skills.
Strengths: Covers 3 of 4 required skills','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(4,1,'Daniel Kim','dkim@example.com',NULL,NULL,NULL,'Lead Engineer','Acme, Inc.',9.0,NULL,'["Insurance"]','["Java","Kotlin","AWS","Kubernetes","PostgreSQL"]','BS Computer Science','Moved from Java to Python last year for the claims automation work.
Mentors four engineers.','["Oracle","IBM"]',NULL,'{}',69.1,86.0,75.9,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; mentioned only in the profile text: Python","fraction":0.875,"points":35,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"9 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Insurance are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["PostgreSQL","AWS","Kubernetes","Python"],"missing_required_skills":[],"score":69.1}','Offline estimate (no language model was called): Lead Engineer at Acme, Inc.; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills; 9 years of experience, well above the 5 asked for; Lead-level title: Lead Engineer','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(5,1,'Aisha Bello','aisha.bello@example.com','https://www.linkedin.com/in/aishabello',NULL,NULL,'Senior Platform Engineer','Monzo',8.0,NULL,'["Banking"]','["Go","Kubernetes","Terraform","AWS","Python"]','BEng Software Engineering','Runs the Kubernetes platform for 300 services; Postgres operator maintainer.','["Skyscanner"]',NULL,'{}',90.0,82.0,86.8,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; mentioned only in the profile text: PostgreSQL","fraction":0.875,"points":35,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"2 of 3 listed; missing: Kafka","fraction":0.667,"points":10,"weight":15},{"applies":true,"criterion":"years_experience","detail":"8 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Banking","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Go","Terraform"],"matched_required_skills":["Python","AWS","Kubernetes","PostgreSQL"],"missing_required_skills":[],"score":90}','Offline estimate (no language model was called): Senior Platform Engineer at Monzo; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills; 8 years of experience, well above the 5 asked for; Senior-level title: Senior Platform Engineer','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(6,1,'Tomás Herrera','tomas.herrera@example.es',NULL,'+34 600 123 456',NULL,'Software Engineer',NULL,3.5,NULL,'["E-commerce"]','["Python","Django","PostgreSQL"]','BSc Informatics','Django developer on a marketplace team.','[]',NULL,'{}',47.2,52.0,49.1,'unlikely','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; missing: AWS, Kubernetes","fraction":0.5,"points":20,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"3.5 years against a minimum of 5","fraction":0.7,"points":14,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries E-commerce are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"88% of profile fields filled","fraction":0.88,"points":13.2,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL"],"missing_required_skills":["AWS","Kubernetes"],"score":47.2}','Offline estimate (no language model was called): Software Engineer; no clear strengths from the profile; missing required skills: AWS, Kubernetes.
Concerns: Missing required skills: AWS, Kubernetes; 3.5 years of experience, below the 5 asked for; Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url","current_company"]','[]',88,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(7,1,'Chen Wei','chen.wei@example.cn','https://www.linkedin.com/in/chenwei-dev',NULL,NULL,'Principal Engineer','Ant Group',14.0,NULL,'["Payments"]','["Java","Go","Kafka","Kubernetes","AWS","PostgreSQL","Python"]','PhD Distributed Systems','Designed the cross-border payments routing engine.','["Alibaba"]',NULL,'{}',95.0,95.0,95.0,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"4 of 4 listed","fraction":1,"points":40,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"2 of 3 listed; missing: Terraform","fraction":0.667,"points":10,"weight":15},{"applies":true,"criterion":"years_experience","detail":"14 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Payments","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Go","Kafka"],"matched_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"missing_required_skills":[],"score":95}','Offline estimate (no language model was called): Principal Engineer at Ant Group; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills; 14 years of experience, well above the 5 asked for; Principal-level title: Principal Engineer','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(8,1,'Emily Carter','emily.carter@example.com',NULL,NULL,NULL,'Junior Developer','Bright Apps',1.0,NULL,'["Media"]','["JavaScript","React","Node.js"]','Bootcamp graduate','Front-end work on a news app.','[]',NULL,'{}',18.1,22.0,19.7,'unlikely','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"0 of 4 listed; missing: Python, PostgreSQL, AWS, Kubernetes","fraction":0,"points":0,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"1 years against a minimum of 5","fraction":0.2,"points":4,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Media are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":[],"missing_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"score":18.1}','Offline estimate (no language model was called): Junior Developer at Bright Apps; no clear strengths from the profile; missing required skills: Python, PostgreSQL, AWS, Kubernetes.
Concerns: Missing required skills: Python, PostgreSQL, AWS, Kubernetes; 1 years of experience, below the 5 asked for; Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(9,1,'Olu Adeyemi','olu@example.ng','https://www.linkedin.com/in/oluadeyemi',NULL,NULL,'Senior Backend Engineer','Flutterwave',6.0,NULL,'["Payments"]','["Python","PostgreSQL","AWS","Redis"]','BSc Computer Science, UNILAG','Card issuing APIs in Python; reduced p99 latency by 60%.','["Interswitch"]',NULL,'{}',75.0,75.0,75.0,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: Kubernetes","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"6 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Payments","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL","AWS"],"missing_required_skills":["Kubernetes"],"score":75}','Offline estimate (no language model was called): Senior Backend Engineer at Flutterwave; covers 3 of 4 required skills.
Strengths: Covers 3 of 4 required skills; Senior-level title: Senior Backend Engineer','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(10,1,'Hannah Müller','hannah.mueller@example.de',NULL,NULL,NULL,'Data Engineer','N26',4.0,NULL,'["Banking"]','["Python","Spark","AWS","Airflow"]','MSc Data Science','Builds data pipelines for risk reporting.','[]',NULL,'{}',60.1,58.0,59.3,'consider','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; missing: PostgreSQL, Kubernetes","fraction":0.5,"points":20,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"4 years against a minimum of 5","fraction":0.8,"points":16,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Banking","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","AWS"],"missing_required_skills":["PostgreSQL","Kubernetes"],"score":60.1}','Offline estimate (no language model was called): Data Engineer at N26; no clear strengths from the profile; missing required skills: PostgreSQL, Kubernetes.
Concerns: Missing required skills: PostgreSQL, Kubernetes; 4 years of experience, below the 5 asked for','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(11,1,'Ravi Shah','ravi.shah@example.in','https://www.linkedin.com/in/ravishah',NULL,NULL,'Engineering Manager','Razorpay',12.0,NULL,'["Fintech"]','["Python","Go","AWS","Kubernetes","PostgreSQL","Kafka","Terraform"]','B.Tech IIT Bombay','Manages the payouts team of nine; still reviews most of the code.','["Flipkart","Amazon"]',NULL,'{}',100.0,92.0,96.8,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"4 of 4 listed","fraction":1,"points":40,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"3 of 3 listed","fraction":1,"points":15,"weight":15},{"applies":true,"criterion":"years_experience","detail":"12 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Fintech","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Go","Kafka","Terraform"],"matched_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"missing_required_skills":[],"score":100}','Offline estimate (no language model was called): Engineering Manager at Razorpay; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills; 12 years of experience, well above the 5 asked for; Lead-level title: Engineering Manager','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(12,1,'Lucy Nguyen','lucy.nguyen@example.com',NULL,NULL,NULL,'DevOps Engineer','CloudNine',4.0,NULL,'["SaaS"]','["Terraform","AWS","Kubernetes","Python"]','BSc Information Systems','Infrastructure as code for 40 AWS accounts.','["Startup A","Startup B","Startup C","Startup D"]',NULL,'{}',65.1,56.0,61.5,'consider','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: PostgreSQL","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Go, Kafka","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"4 years against a minimum of 5","fraction":0.8,"points":16,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries SaaS are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":["Terraform"],"matched_required_skills":["Python","AWS","Kubernetes"],"missing_required_skills":["PostgreSQL"],"score":65.1}','Offline estimate (no language model was called): DevOps Engineer at CloudNine; covers 3 of 4 required skills; 4 years of experience, below the 5 asked for.
Strengths: Covers 3 of 4 required skills
Concerns: 4 years of experience, below the 5 asked for; Short tenures (about 9.6 months per role)','scored','offline',NULL,'[]','["linkedin_url"]','[{"code":"short_tenures","message":"about 9.6 months per role on average"}]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(13,1,'Ivan Petrov','ivan.petrov@example.com',NULL,NULL,NULL,'Backend Developer','Yandex',NULL,'2015','["Search"]','["Python","PostgreSQL","ClickHouse"]','MSc Applied Mathematics','High-load backend services.','[]',NULL,'{}',32.2,50.0,39.3,'unlikely','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; missing: AWS, Kubernetes","fraction":0.5,"points":20,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"years of experience unknown; the role asks for 5","fraction":0,"points":0,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Search are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"81% of profile fields filled; missing years_experience","fraction":0.81,"points":12.2,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL"],"missing_required_skills":["AWS","Kubernetes"],"score":32.2}','Offline estimate (no language model was called): Backend Developer at Yandex; no clear strengths from the profile; missing required skills: AWS, Kubernetes.
Concerns: Missing required skills: AWS, Kubernetes; Years of experience unknown; Little profile text to judge the experience by','scored','offline',NULL,'["years_experience"]','["linkedin_url"]','[{"code":"implausible_years","message":"years of experience \"2015\" is not believable (read as 2015); it was not scored"}]',81,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(14,1,'Grace Liu','grace.liu@example.com','https://www.linkedin.com/in/graceliu',NULL,NULL,'Senior Software Engineer','Square',8.0,NULL,'["Payments"]','["Ruby","Go","AWS","PostgreSQL"]','BS Mathematics','Seller payouts; migrated a monolith to Go services.','[]',NULL,'{}',70.0,71.0,70.4,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; missing: Python, Kubernetes","fraction":0.5,"points":20,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Kafka, Terraform","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"8 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Payments","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Go"],"matched_required_skills":["PostgreSQL","AWS"],"missing_required_skills":["Python","Kubernetes"],"score":70}','Offline estimate (no language model was called): Senior Software Engineer at Square; 8 years of experience, well above the 5 asked for; missing required skills: Python, Kubernetes.
Strengths: 8 years of experience, well above the 5 asked for; Senior-level title: Senior Software Engineer
Concerns: Missing required skills: Python, Kubernetes','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(15,1,'Noah Williams','noah.w@example.com',NULL,NULL,NULL,'Software Engineer II','Chime',4.0,NULL,'["Fintech"]','["Python","AWS","DynamoDB"]','BS Computer Engineering','Member notifications service.','[]',NULL,'{}',60.1,53.0,57.3,'consider','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; missing: PostgreSQL, Kubernetes","fraction":0.5,"points":20,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"4 years against a minimum of 5","fraction":0.8,"points":16,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Fintech","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","AWS"],"missing_required_skills":["PostgreSQL","Kubernetes"],"score":60.1}','Offline estimate (no language model was called): Software Engineer II at Chime; no clear strengths from the profile; missing required skills: PostgreSQL, Kubernetes.
Concerns: Missing required skills: PostgreSQL, Kubernetes; 4 years of experience, below the 5 asked for; Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(16,1,'Fatima Zahra','fatima.zahra@example.ma','https://www.linkedin.com/in/fatimazahra',NULL,NULL,'Backend Engineer','Wave',5.0,NULL,'["Mobile money"]','["Python","PostgreSQL","GCP","Kubernetes"]','MSc Telecommunications','Mobile money ledger on GCP.','["Orange"]',NULL,'{}',65.0,63.0,64.2,'consider','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: AWS","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"5 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Mobile money are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL","Kubernetes"],"missing_required_skills":["AWS"],"score":65}','Offline estimate (no language model was called): Backend Engineer at Wave; covers 3 of 4 required skills; little profile text to judge the experience by.
Strengths: Covers 3 of 4 required skills
Concerns: Little profile text to judge the experience by','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(17,1,'Jonas Becker','jonas.becker@example.de',NULL,NULL,NULL,'Senior Python Developer','Trade Republic',7.0,NULL,'["Brokerage"]','["Python","PostgreSQL","AWS","Kubernetes","Kafka"]','Diplom Informatik','Order routing and market data services.','["Deutsche Börse"]',NULL,'{}',79.1,79.0,79.1,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"4 of 4 listed","fraction":1,"points":40,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Go, Terraform","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"7 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Brokerage are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":["Kafka"],"matched_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"missing_required_skills":[],"score":79.1}','Offline estimate (no language model was called): Senior Python Developer at Trade Republic; covers 4 of 4 required skills; little profile text to judge the experience by.
Strengths: Covers 4 of 4 required skills; Senior-level title: Senior Python Developer
Concerns: Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(18,1,'Mei Tanaka','mei.tanaka@example.jp',NULL,NULL,NULL,'Site Reliability Engineer','PayPay',6.0,NULL,'["Payments"]','["Go","Kubernetes","AWS","Terraform"]','BEng Tokyo Tech','SRE for QR payments; Postgres failover automation.','["LINE"]',NULL,'{}',79.1,66.0,73.9,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; mentioned only in the profile text: PostgreSQL; missing: Python","fraction":0.625,"points":25,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"2 of 3 listed; missing: Kafka","fraction":0.667,"points":10,"weight":15},{"applies":true,"criterion":"years_experience","detail":"6 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Payments","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":["Go","Terraform"],"matched_required_skills":["AWS","Kubernetes","PostgreSQL"],"missing_required_skills":["Python"],"score":79.1}','Offline estimate (no language model was called): Site Reliability Engineer at PayPay; no clear strengths from the profile; missing required skills: Python.
Concerns: Missing required skills: Python','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(19,1,'Carlos Mendes','carlos.mendes@example.br','https://www.linkedin.com/in/carlosmendes',NULL,NULL,'Tech Lead','Nubank',10.0,NULL,'["Banking"]','["Clojure","Kafka","AWS","Kubernetes","Python"]','BSc Computer Science, USP','Credit card authorisation platform.','["Itaú"]',NULL,'{}',80.0,80.0,80.0,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: PostgreSQL","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Go, Terraform","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"10 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Banking","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Kafka"],"matched_required_skills":["Python","AWS","Kubernetes"],"missing_required_skills":["PostgreSQL"],"score":80}','Offline estimate (no language model was called): Tech Lead at Nubank; covers 3 of 4 required skills; little profile text to judge the experience by.
Strengths: Covers 3 of 4 required skills; 10 years of experience, well above the 5 asked for; Lead-level title: Tech Lead
Concerns: Little profile text to judge the experience by','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(20,1,'Zoe Adams',NULL,NULL,NULL,NULL,'Intern','University Lab',0.5,NULL,'["Research"]','["Python"]','BSc student','Research assistant.','[]',NULL,'{}',23.3,19.0,21.6,'unlikely','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"1 of 4 listed; missing: PostgreSQL, AWS, Kubernetes","fraction":0.25,"points":10,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"0.5 years against a minimum of 5","fraction":0.1,"points":2,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Research are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"75% of profile fields filled; missing contact (email or linkedin_url)","fraction":0.75,"points":11.3,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python"],"missing_required_skills":["PostgreSQL","AWS","Kubernetes"],"score":23.3}','Offline estimate (no language model was called): Intern at University Lab; no clear strengths from the profile; missing required skills: PostgreSQL, AWS, Kubernetes.
Concerns: Missing required skills: PostgreSQL, AWS, Kubernetes; 0.5 years of experience, below the 5 asked for; Little profile text to judge the experience by','scored','offline',NULL,'["contact (email or linkedin_url)"]','["email","linkedin_url"]','[{"code":"no_contact_route","message":"no email, LinkedIn URL or phone number: there is no way to reach this person"}]',75,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(21,1,'Arjun Mehta','arjun.mehta@example.com','https://www.linkedin.com/in/arjunmehta',NULL,NULL,'Backend Engineer','Plaid',5.0,NULL,'["Fintech"]','["Python","PostgreSQL","AWS","Kubernetes"]','MS Computer Science, Stanford','Bank connectivity integrations at scale.','[]',NULL,'{}',85.0,75.0,81.0,'top','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"4 of 4 listed","fraction":1,"points":40,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"5 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Fintech","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"missing_required_skills":[],"score":85}','Offline estimate (no language model was called): Backend Engineer at Plaid; covers 4 of 4 required skills.
Strengths: Covers 4 of 4 required skills','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(22,1,'Sara Costa','sara.costa@example.pt',NULL,NULL,NULL,'Full Stack Developer','Feedzai',3.0,NULL,'["Fraud prevention"]','["TypeScript","Python","PostgreSQL"]','MSc Software Engineering','Case-management UI and its Python APIs.','[]',NULL,'{}',46.1,51.0,48.1,'unlikely','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"2 of 4 listed; missing: AWS, Kubernetes","fraction":0.5,"points":20,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"3 years against a minimum of 5","fraction":0.6,"points":12,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Fraud prevention are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL"],"missing_required_skills":["AWS","Kubernetes"],"score":46.1}','Offline estimate (no language model was called): Full Stack Developer at Feedzai; no clear strengths from the profile; missing required skills: AWS, Kubernetes.
Concerns: Missing required skills: AWS, Kubernetes; 3 years of experience, below the 5 asked for; Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(23,1,'Ben Okafor','ben.okafor@example.com',NULL,NULL,NULL,'Senior Engineer','Revolut',6.0,NULL,'["Fintech"]','["Java","Python","PostgreSQL","AWS"]','BSc Computer Science','Currency exchange pricing services.','["Barclays","HSBC","Lloyds"]',NULL,'{}',74.1,70.0,72.5,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: Kubernetes","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"6 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"worked in Fintech","fraction":1,"points":10,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":["Python","PostgreSQL","AWS"],"missing_required_skills":["Kubernetes"],"score":74.1}','Offline estimate (no language model was called): Senior Engineer at Revolut; covers 3 of 4 required skills; little profile text to judge the experience by.
Strengths: Covers 3 of 4 required skills; Senior-level title: Senior Engineer
Concerns: Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(24,1,'Laura Schmidt','laura.schmidt@example.at','https://www.linkedin.com/in/lauraschmidt',NULL,NULL,'Platform Engineer','Bitpanda',5.0,NULL,'["Crypto"]','["Kubernetes","Terraform","Go","Python","AWS"]','MSc Computer Science, TU Wien','Kubernetes platform and CI/CD.','[]',NULL,'{}',75.0,63.0,70.2,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: PostgreSQL","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"2 of 3 listed; missing: Kafka","fraction":0.667,"points":10,"weight":15},{"applies":true,"criterion":"years_experience","detail":"5 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Crypto are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"100% of profile fields filled","fraction":1,"points":15,"weight":15}],"matched_preferred_skills":["Go","Terraform"],"matched_required_skills":["Python","AWS","Kubernetes"],"missing_required_skills":["PostgreSQL"],"score":75}','Offline estimate (no language model was called): Platform Engineer at Bitpanda; covers 3 of 4 required skills; little profile text to judge the experience by.
Strengths: Covers 3 of 4 required skills
Concerns: Little profile text to judge the experience by','scored','offline',NULL,'[]','[]','[]',100,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(25,1,'Pedro Alves','pedro.alves@example.pt',NULL,NULL,NULL,'Backend Engineer','OutSystems',4.0,NULL,'["Software"]','["C#",".NET","SQL Server","Azure"]','BSc Informatics','Low-code runtime services.','[]',NULL,'{}',30.1,38.0,33.3,'unlikely','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"0 of 4 listed; missing: Python, PostgreSQL, AWS, Kubernetes","fraction":0,"points":0,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"0 of 3 listed; missing: Go, Kafka, Terraform","fraction":0,"points":0,"weight":15},{"applies":true,"criterion":"years_experience","detail":"4 years against a minimum of 5","fraction":0.8,"points":16,"weight":20},{"applies":true,"criterion":"industry_match","detail":"industries Software are not among the role''s","fraction":0,"points":0,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":[],"matched_required_skills":[],"missing_required_skills":["Python","PostgreSQL","AWS","Kubernetes"],"score":30.1}','Offline estimate (no language model was called): Backend Engineer at OutSystems; no clear strengths from the profile; missing required skills: Python, PostgreSQL, AWS, Kubernetes.
Concerns: Missing required skills: Python, PostgreSQL, AWS, Kubernetes; 4 years of experience, below the 5 asked for; Little profile text to judge the experience by','scored','offline',NULL,'[]','["linkedin_url"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "candidates" VALUES(26,1,'Yuki Sato',NULL,'https://www.linkedin.com/in/yukisato',NULL,NULL,'Senior Backend Engineer','Mercari',8.0,NULL,'["E-commerce"]','["Go","Python","PostgreSQL","GCP","Kubernetes"]','MSc Information Science','Payments team of the marketplace.','[]',NULL,'{}',74.1,74.0,74.1,'strong','{"criteria":[{"applies":true,"criterion":"required_skills","detail":"3 of 4 listed; missing: AWS","fraction":0.75,"points":30,"weight":40},{"applies":true,"criterion":"preferred_skills","detail":"1 of 3 listed; missing: Kafka, Terraform","fraction":0.333,"points":5,"weight":15},{"applies":true,"criterion":"years_experience","detail":"8 years against a minimum of 5","fraction":1,"points":20,"weight":20},{"applies":true,"criterion":"industry_match","detail":"Payments mentioned in the profile text only","fraction":0.5,"points":5,"weight":10},{"applies":true,"criterion":"completeness","detail":"94% of profile fields filled","fraction":0.94,"points":14.1,"weight":15}],"matched_preferred_skills":["Go"],"matched_required_skills":["Python","PostgreSQL","Kubernetes"],"missing_required_skills":["AWS"],"score":74.1}','Offline estimate (no language model was called): Senior Backend Engineer at Mercari; covers 3 of 4 required skills; little profile text to judge the experience by.
Strengths: Covers 3 of 4 required skills; 8 years of experience, well above the 5 asked for; Senior-level title: Senior Backend Engineer
Concerns: Little profile text to judge the experience by','scored','offline',NULL,'[]','["email"]','[]',94,0,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','not_scheduled',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'csv_upload',1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'outreach_sent', 'active', 'completed', 'abandoned', 'failed')),
    extracted TEXT NOT NULL DEFAULT '{}',
    agent_state TEXT NOT NULL DEFAULT '{}',
    turns INTEGER NOT NULL DEFAULT 0,
    end_reason TEXT,
    processing_owner TEXT,
    processing_until TEXT,
    last_inbound_at TEXT,
    last_outbound_at TEXT,
    ended_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (campaign_id, user_id)
);
INSERT INTO "conversations" VALUES(1,1,1,'active','{}','{"asked_field":"fuel_brand","skipped":[],"tries":1}',1,NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "conversations" VALUES(2,1,2,'outreach_sent','{}','{}',0,NULL,NULL,NULL,NULL,'2026-01-05T08:00:00.000Z',NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "conversations" VALUES(3,1,3,'outreach_sent','{}','{}',0,NULL,NULL,NULL,NULL,'2026-01-05T08:00:00.000Z',NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    function TEXT NOT NULL,
    input TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    idempotency_key TEXT UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    timeout_s REAL NOT NULL,
    run_after TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TEXT,
    progress INTEGER NOT NULL DEFAULT 0,
    progress_message TEXT,
    result TEXT,
    error TEXT,
    exit_code INTEGER,
    duration_ms INTEGER,
    principal TEXT,
    request_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
, lease_host TEXT, lease_pid BIGINT);
INSERT INTO "jobs" VALUES(1,'score-candidates','{"only_unscored":true,"role_id":1,"upload_id":1}','queued',NULL,0,5,900.0,'2026-01-05T08:00:00.000Z',NULL,NULL,0,NULL,NULL,NULL,NULL,NULL,NULL,'9bd9f1a67ec458000e9458eb43741443','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL,NULL,NULL,NULL);
INSERT INTO "jobs" VALUES(2,'health','{}','queued',NULL,0,3,10.0,'2026-01-05T08:00:00.000Z',NULL,NULL,0,NULL,NULL,NULL,NULL,NULL,NULL,'07a6fac017cb988c8abca3371b82cf5f','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL,NULL,NULL,NULL);
CREATE TABLE llm_calls (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    request_id TEXT,
    function TEXT NOT NULL,
    step TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cost_usd REAL,
    latency_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'invalid_output', 'failed')),
    error TEXT
);
INSERT INTO "llm_calls" VALUES(1,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(2,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(3,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(4,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(5,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(6,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(7,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(8,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(9,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(10,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(11,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(12,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(13,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(14,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(15,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(16,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(17,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(18,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(19,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(20,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(21,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(22,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(23,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(24,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(25,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(26,'2026-01-05T08:00:00.000Z','8a3b7f1035329759aa68c71afd5a54de','score-candidates','candidates.assess','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(27,'2026-01-05T08:00:00.000Z','8b0c5cd5a236b3e99278e797a7b8ad3c','synthesize','synthesize.prep','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(28,'2026-01-05T08:00:00.000Z','36482fe70588d923b24216573544a107','send-outreach','interviews.opening','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(29,'2026-01-05T08:00:00.000Z','270cc1ca0d52d74f1bdfa3c3aa1b35b0','inbound-message','interviews.turn','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
INSERT INTO "llm_calls" VALUES(30,'2026-01-05T08:00:00.000Z','4cc29f3c43cdbe39c020e4bac9926fd9','llm-check','check.brief','offline','offline-rules-v1',1,0,0,0.0,0,'succeeded',NULL);
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    calendar_event_id TEXT NOT NULL UNIQUE,
    series_id TEXT,
    title TEXT NOT NULL,
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    is_all_day INTEGER NOT NULL DEFAULT 0,
    location TEXT,
    description TEXT,
    attendees TEXT NOT NULL,
    company TEXT,
    company_domain TEXT,
    role TEXT,
    status TEXT NOT NULL CHECK (status IN ('new', 'enriching', 'enriched', 'drafted', 'feedback_given', 'cancelled', 'error')),
    enrichment TEXT,
    insights TEXT,
    hooks TEXT,
    competitors TEXT,
    pre_meeting_draft TEXT,
    follow_up_draft TEXT,
    draft_ids TEXT,
    notion_page_id TEXT,
    feedback_score INTEGER,
    feedback_notes TEXT,
    steering_version INTEGER,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO "meetings" VALUES(1,'weekly-fernhill@bundle.example_20260105T160000Z','weekly-fernhill@bundle.example','Pilot check-in with Fernhill Health','2026-01-05T16:00:00.000Z','2026-01-05T16:30:00.000Z',0,NULL,'Priya Nair (Head of Revenue Operations) runs the pilot.','[{"email":"alex@ourco.example","is_organizer":true,"name":null,"response":"accepted"},{"email":"priya@fernhill.health","is_organizer":false,"name":"Priya Nair","response":"tentative"}]','Fernhill','fernhill.health','Head of Revenue Operations','feedback_given','{"competitors":{"error":null,"freshness":"month","query":"\"Fernhill\" competitors Stripe","sources":[]},"enriched_at":"2026-01-05T08:00:00Z","news":{"error":null,"freshness":"month","query":"\"Fernhill\" news","sources":[]},"provider":"offline","role_pains":{"error":null,"freshness":"year","query":"Head of Revenue Operations challenges sales reps customer","sources":[]},"warnings":["offline search found nothing: set YOUCOM_API_KEY, or OFFLINE_SEARCH_CORPUS to a document file"]}','[{"priority":1,"source_url":null,"text":"Check whether Fernhill feels this pain: slow payouts.","why":"A key pain from the steering profile; no research was found."}]','[{"hook":"Many teams like Fernhill tell us that slow payouts","source_url":null},{"hook":"We help teams like Fernhill prepare for customer calls","source_url":null}]','[]','{"body":"Hi Priya,\n\nThanks for making time for our call. Many teams like Fernhill tell us that slow payouts. We help teams like Fernhill prepare for customer calls.\n\nWe build an AI assistant that prepares sales reps for every customer meeting: research, talking points and follow-up emails. Two questions so we can make the most of our time: how does your team research an account before a call today? And which part of that work would you most like to take off their plate?\n\nI will keep it practical and bring one or two examples from similar teams.\n\nBest regards,","hooks_used":["Many teams like Fernhill tell us that slow payouts","We help teams like Fernhill prepare for customer calls"],"subject":"Ahead of our call: Pilot check-in with Fernhill Health"}','{"body":"Hi Priya, thank you for your time today. As promised, here is a summary: [[what we agreed]]. The next step is [[next step and date]]. I will send [[materials promised]] by [[date]]. Best regards","subject":"Follow-up: Pilot check-in with Fernhill Health"}',NULL,NULL,1,'good',2,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "meetings" VALUES(2,'discovery-northwind@bundle.example',NULL,'Discovery call: Northwind Logistics','2026-01-06T09:00:00.000Z','2026-01-06T09:45:00.000Z',0,NULL,'Dana Reyes, VP Operations, wants to cut late deliveries.','[{"email":"alex@ourco.example","is_organizer":true,"name":"Alex Kim","response":"accepted"},{"email":"dana.reyes@northwind-logistics.com","is_organizer":false,"name":"Dana Reyes","response":"accepted"}]','Northwind Logistics','northwind-logistics.com','VP Operations','new',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "meetings" VALUES(3,'freelancer@bundle.example',NULL,'Workshop with a freelance designer','2026-01-08T23:00:00.000Z','2026-01-09T23:00:00.000Z',1,NULL,NULL,'[{"email":"alex@ourco.example","is_organizer":true,"name":null,"response":"accepted"},{"email":"jo.park@gmail.com","is_organizer":false,"name":"Jo Park","response":"needs_action"}]',NULL,NULL,NULL,'new',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE message_status_events (
    id INTEGER PRIMARY KEY,
    provider_sid TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    received_at TEXT NOT NULL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations (id),
    user_id INTEGER REFERENCES users (id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    from_number TEXT,
    to_number TEXT,
    provider TEXT,
    provider_sid TEXT UNIQUE,
    in_reply_to INTEGER UNIQUE REFERENCES messages (id),
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    payload TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    delivered_at TEXT
);
INSERT INTO "messages" VALUES(1,1,1,'outbound','opening','Hi! I''m reaching out for a short research study (Gas station habits) and would really value your view. Would you have a few minutes to answer some quick questions here?

Reply STOP if you''d rather not take part.',NULL,'+4915112345678','outbox','outbox-1',NULL,'delivered',NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "messages" VALUES(2,2,2,'outbound','opening','Hi! I''m reaching out for a short research study (Gas station habits) and would really value your view. Would you have a few minutes to answer some quick questions here?

Reply STOP if you''d rather not take part.',NULL,'+447700900123','outbox','outbox-2',NULL,'outbox',NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL);
INSERT INTO "messages" VALUES(3,3,3,'outbound','opening','Hi! I''m reaching out for a short research study (Gas station habits) and would really value your view. Would you have a few minutes to answer some quick questions here?

Reply STOP if you''d rather not take part.',NULL,'+14155550134','outbox','outbox-3',NULL,'outbox',NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL);
INSERT INTO "messages" VALUES(4,1,1,'inbound','reply','Sure, happy to help!','+4915112345678','whatsapp:+14155238886','twilio','SM0f1e2d3c4b5a69788796a5b4c3d2e1f0',NULL,'handled',NULL,NULL,'{"ApiVersion":"2010-04-01","MessageType":"text","NumMedia":"0","NumSegments":"1","ReferralNumMedia":"0","SmsStatus":"received","WaId":"4915112345678"}','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL,NULL);
INSERT INTO "messages" VALUES(5,1,1,'outbound','reply','Thank you for taking part! Could you tell me which fuel brand you usually buy (for example Shell, BP, Aral, Esso or Other)?',NULL,'+4915112345678','outbox','outbox-5',4,'outbox',NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z',NULL);
CREATE TABLE outreach_queue (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL UNIQUE REFERENCES conversations (id),
    scheduled_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_at TEXT,
    lease_until TEXT,
    last_error TEXT,
    message_id INTEGER REFERENCES messages (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO "outreach_queue" VALUES(1,1,'2026-01-05T08:00:00.000Z','sent',1,'2026-01-05T08:00:00.000Z',NULL,NULL,1,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "outreach_queue" VALUES(2,2,'2026-01-05T08:00:00.000Z','sent',1,'2026-01-05T08:00:00.000Z',NULL,NULL,2,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "outreach_queue" VALUES(3,3,'2026-01-05T08:00:00.000Z','sent',1,'2026-01-05T08:00:00.000Z',NULL,NULL,3,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    required_skills TEXT NOT NULL DEFAULT '[]',
    preferred_skills TEXT NOT NULL DEFAULT '[]',
    min_years REAL NOT NULL DEFAULT 0,
    industries TEXT NOT NULL DEFAULT '[]',
    weight_algo REAL NOT NULL,
    weight_ai REAL NOT NULL,
    tiers TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 1,
    scoring_owner TEXT,
    scoring_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO "roles" VALUES(1,'Senior Backend Engineer (Payments)','Builds and runs the services that move money: Python on Kubernetes, PostgreSQL, AWS.','["Python","PostgreSQL","AWS","Kubernetes"]','["Go","Kafka","Terraform"]',5.0,'["Fintech","Payments","Banking"]',0.6,0.4,'{"consider":50,"strong":65,"top":80}',0,1,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
INSERT INTO "schema_migrations" VALUES(1,'llm_calls','2026-12-02T10:33:38.958Z');
INSERT INTO "schema_migrations" VALUES(2,'api_keys','2026-12-02T10:33:38.962Z');
INSERT INTO "schema_migrations" VALUES(3,'jobs','2026-12-02T10:33:38.963Z');
INSERT INTO "schema_migrations" VALUES(4,'meetings','2026-12-02T10:33:38.963Z');
INSERT INTO "schema_migrations" VALUES(5,'steering_profiles','2026-12-02T10:33:38.963Z');
INSERT INTO "schema_migrations" VALUES(6,'interviews','2026-12-02T10:33:38.963Z');
INSERT INTO "schema_migrations" VALUES(7,'candidates','2026-12-02T10:33:38.964Z');
INSERT INTO "schema_migrations" VALUES(8,'job_lease_holder','2026-12-02T10:33:38.964Z');
CREATE TABLE steering_profiles (
    version INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO "steering_profiles" VALUES(1,'{"competitors":["Gong","Chorus","Clari"],"disallowed_claims":["guaranteed results","100% accuracy","replaces your sales team"],"icp":"B2B companies with 20 to 500 employees whose sales teams run many discovery and demo calls a week.","key_pains":["Reps walk into calls unprepared","Research before each meeting takes 20 to 40 minutes","Follow-up emails are slow and generic"],"product_focus":"An AI assistant that prepares sales reps for every customer meeting: research, talking points and follow-up emails.","specificity_rules":["Tie every insight to a source about this company or this role, not to the industry in general."],"weights":{"competitors":0.25,"news":0.4,"role_pains":0.35}}','default','2026-01-05T08:00:00.000Z');
INSERT INTO "steering_profiles" VALUES(2,'{"competitors":["Stripe"],"disallowed_claims":["guaranteed results","100% accuracy","replaces your sales team"],"icp":"fintech CFOs","key_pains":["slow payouts"],"product_focus":"An AI assistant that prepares sales reps for every customer meeting: research, talking points and follow-up emails.","specificity_rules":["Tie every insight to a source about this company or this role, not to the industry in general."],"weights":{"competitors":0.25,"news":0.4,"role_pains":0.35}}','put','2026-01-05T08:00:00.000Z');
CREATE TABLE upload_candidates (
    upload_id INTEGER NOT NULL REFERENCES uploads (id),
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    line INTEGER NOT NULL,
    PRIMARY KEY (upload_id, candidate_id)
);
INSERT INTO "upload_candidates" VALUES(1,1,2);
INSERT INTO "upload_candidates" VALUES(1,2,3);
INSERT INTO "upload_candidates" VALUES(1,3,4);
INSERT INTO "upload_candidates" VALUES(1,4,5);
INSERT INTO "upload_candidates" VALUES(1,5,7);
INSERT INTO "upload_candidates" VALUES(1,6,8);
INSERT INTO "upload_candidates" VALUES(1,7,9);
INSERT INTO "upload_candidates" VALUES(1,8,10);
INSERT INTO "upload_candidates" VALUES(1,9,11);
INSERT INTO "upload_candidates" VALUES(1,10,12);
INSERT INTO "upload_candidates" VALUES(1,11,14);
INSERT INTO "upload_candidates" VALUES(1,12,15);
INSERT INTO "upload_candidates" VALUES(1,13,16);
INSERT INTO "upload_candidates" VALUES(1,14,17);
INSERT INTO "upload_candidates" VALUES(1,15,18);
INSERT INTO "upload_candidates" VALUES(1,16,19);
INSERT INTO "upload_candidates" VALUES(1,17,20);
INSERT INTO "upload_candidates" VALUES(1,18,21);
INSERT INTO "upload_candidates" VALUES(1,19,22);
INSERT INTO "upload_candidates" VALUES(1,20,23);
INSERT INTO "upload_candidates" VALUES(1,21,26);
INSERT INTO "upload_candidates" VALUES(1,22,27);
INSERT INTO "upload_candidates" VALUES(1,23,28);
INSERT INTO "upload_candidates" VALUES(1,24,29);
INSERT INTO "upload_candidates" VALUES(1,25,30);
INSERT INTO "upload_candidates" VALUES(1,26,31);
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY,
    role_id INTEGER NOT NULL REFERENCES roles (id),
    file_name TEXT,
    content_sha256 TEXT NOT NULL,
    delimiter TEXT NOT NULL,
    columns TEXT NOT NULL,
    rows INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    created_candidates INTEGER NOT NULL,
    updated_candidates INTEGER NOT NULL,
    rejected TEXT NOT NULL,
    duplicates TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    job_id INTEGER REFERENCES jobs (id),
    created_at TEXT NOT NULL,
    UNIQUE (role_id, content_sha256)
);
INSERT INTO "uploads" VALUES(1,1,'sample-candidates.csv','7aa9d0858e456065301ed57486fde12b9c7f37cd57e6ef4d9ba54e55174806bb',',','{"Company":"current_company","Current Title":"current_role","E-mail":"email","Education":"education","Full Name":"name","Industry":"industries","LinkedIn Profile":"linkedin_url","Phone":"phone","Previous Companies":"previous_companies","Skills":"skills","Summary":"bio","Years of Experience":"years_experience"}',30,27,26,0,'[{"excerpt":"Kevin Brown,kevin.brown@example.com,,Backend Engineer,Brown, Sons & Co,6,Python,…","line":24,"reason":"has 13 fields but the header has 12: a value probably holds an unquoted \",\"; put that value in double quotes"},{"excerpt":",anonymous@example.com,,Engineer,Ghost Corp,5,Python,Fintech,,,,","line":25,"reason":"has no name"},{"excerpt":"Maria Rossi,maria.rossi(at)example.it,,Backend Engineer,Satispay,6,Python, Postg…","line":32,"reason":"email \"maria.rossi(at)example.it\" is not an email address"}]','[{"candidate_id":1,"line":33,"same_as_line":2}]','[]',1,'2026-01-05T08:00:00.000Z');
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL UNIQUE,
    profile_name TEXT,
    opted_out_at TEXT,
    opt_out_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO "users" VALUES(1,'+4915112345678','Dana Reyes',NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "users" VALUES(2,'+447700900123',NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
INSERT INTO "users" VALUES(3,'+14155550134',NULL,NULL,NULL,'2026-01-05T08:00:00.000Z','2026-01-05T08:00:00.000Z');
CREATE INDEX llm_calls_by_time ON llm_calls (created_at);
CREATE INDEX llm_calls_by_function ON llm_calls (function, created_at);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
CREATE INDEX jobs_due ON jobs (status, run_after);
CREATE INDEX jobs_by_function ON jobs (function, id);
CREATE INDEX meetings_by_start ON meetings (start_at);
CREATE INDEX meetings_by_status ON meetings (status, start_at);
CREATE INDEX conversations_by_campaign ON conversations (campaign_id, status);
CREATE INDEX conversations_by_user ON conversations (user_id, status);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX messages_pending ON messages (conversation_id, direction, status);
CREATE INDEX message_status_events_by_sid ON message_status_events (provider_sid);
CREATE INDEX outreach_due ON outreach_queue (status, scheduled_at);
CREATE INDEX outreach_claims ON outreach_queue (claimed_at);
CREATE INDEX candidates_ranked ON candidates (role_id, combined_score DESC, id);
CREATE INDEX candidates_to_score ON candidates (role_id, needs_scoring);
CREATE INDEX upload_candidates_by_candidate ON upload_candidates (candidate_id);
COMMIT;
