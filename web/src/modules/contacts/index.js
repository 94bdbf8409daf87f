// contacts (联系人): the 通讯录 page, cards by pinyin.
export default function register(kehu) {
  kehu.route({ path: 'address-book', name: 'address-book', component: () => import('./AddressBookView.vue') });
  kehu.menu({ area: 'customers', key: 'address-book', path: '/address-book', label: 'book.title', icon: 'Notebook', entity: 'contacts' });
}
