// icons.js - metadata names an entity's icon by its Element Plus name
// ("OfficeBuilding"); menu areas get a fixed icon by key. Only the icons
// listed here are bundled (all 290 would add 250 KB): a CRM's vocabulary of
// icons, plus the ones the interface itself uses. An unknown name shows
// the Document icon.
import {
  Aim, ArrowDown, ArrowLeft, ArrowRight, ArrowUp, Avatar, Bell, Bottom, Box, Briefcase, Calendar, ChatDotRound, ChatLineRound, Checked, Clock, Close,
  Coin, Collection, Compass, Connection, CreditCard, DataAnalysis, DataLine, Delete, Discount, Document,
  Download, Edit, EditPen, Expand, Files, Filter, Finished, Flag, Fold, Folder, Goods, Grid, Guide, Headset,
  Histogram, HomeFilled, House, Iphone, Key, Link, List, Location, Lock, MapLocation, Management, Medal, Memo,
  Menu, Message, Money, Monitor, MoreFilled, Notebook, Odometer, Operation, PieChart, Phone, Plus, Postcard, Present, PriceTag,
  Promotion, Rank, Reading, Refresh, RefreshLeft, School, Search, Sell, Service, Setting, Share, Shop, ShoppingBag,
  ShoppingCart, Stamp, Star, Stopwatch, Suitcase, SwitchButton, Tickets, Timer, Tools, Top, TrendCharts,
  Trophy, Upload, User, UserFilled, Van, Wallet, Warning, OfficeBuilding,
} from '@element-plus/icons-vue';

export const Icons = {
  Aim, ArrowDown, ArrowLeft, ArrowRight, ArrowUp, Avatar, Bell, Bottom, Box, Briefcase, Calendar, ChatDotRound, ChatLineRound, Checked, Clock, Close,
  Coin, Collection, Compass, Connection, CreditCard, DataAnalysis, DataLine, Delete, Discount, Document,
  Download, Edit, EditPen, Expand, Files, Filter, Finished, Flag, Fold, Folder, Goods, Grid, Guide, Headset,
  Histogram, HomeFilled, House, Iphone, Key, Link, List, Location, Lock, MapLocation, Management, Medal, Memo,
  Menu, Message, Money, Monitor, MoreFilled, Notebook, Odometer, Operation, PieChart, Phone, Plus, Postcard, Present, PriceTag,
  Promotion, Rank, Reading, Refresh, RefreshLeft, School, Search, Sell, Service, Setting, Share, Shop, ShoppingBag,
  ShoppingCart, Stamp, Star, Stopwatch, Suitcase, SwitchButton, Tickets, Timer, Tools, Top, TrendCharts,
  Trophy, Upload, User, UserFilled, Van, Wallet, Warning, OfficeBuilding,
};

const AREA_ICONS = {
  workbench: 'HomeFilled', customers: 'User', sales: 'TrendCharts', products: 'Goods', orders: 'Tickets',
  finance: 'Money', purchasing: 'ShoppingCart', inventory: 'Box', marketing: 'Promotion', service: 'Service',
  approvals: 'Stamp', reports: 'DataAnalysis', teaching: 'Reading', portal: 'Shop', settings: 'Setting',
};

export function icon(name) {
  return (name && Icons[name]) || Document;
}
export function areaIcon(key) {
  return Icons[AREA_ICONS[key]] || Menu;
}
