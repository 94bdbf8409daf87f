// index.js - every module of the web app registers here (registry.js says
// what a module may add). A new module: a folder with an index.js that
// exports register(kehu), and one line below.
import { kehu } from './registry.js';
import accounts from './accounts/index.js';
import contacts from './contacts/index.js';
import leads from './leads/index.js';
import opportunities from './opportunities/index.js';
import activities from './activities/index.js';
import messages from './messages/index.js';
import approvals from './approvals/index.js';
import pricing from './pricing/index.js';
import marketing from './marketing/index.js';
import office from './office/index.js';
import documents from './documents/index.js';
import companyView from './company-view/index.js';
import teaching from './teaching/index.js';
import service from './service/index.js';
import surveys from './surveys/index.js';
import receivables from './receivables/index.js';
import stock from './stock/index.js';
import mail from './mail/index.js';

for (const register of [contacts, accounts, leads, opportunities, activities, messages, approvals, pricing, marketing, office, documents, companyView, teaching, service, surveys, receivables, stock, mail]) register(kehu);

export * from './registry.js';
