// element.js - the Element Plus components the app uses, registered one by
// one so the bundle carries only those (the stylesheet is the whole theme:
// 40 KB gzip, not worth splitting).
import {
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElButton, ElCard, ElCheckbox, ElCheckboxGroup,
  ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog,
  ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem,
  ElHeader, ElIcon, ElInput, ElInputNumber, ElLink, ElMain, ElMenu, ElMenuItem, ElOption,
  ElPagination, ElPopover, ElResult, ElRow, ElScrollbar, ElSelect, ElSkeleton, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElSubMenu,
  ElLoading, ElButtonGroup, ElRadioGroup, ElRadioButton, ElStatistic,
} from 'element-plus';
import 'element-plus/dist/index.css';

const components = [
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElButton, ElCard, ElCheckbox, ElCheckboxGroup,
  ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog,
  ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem,
  ElHeader, ElIcon, ElInput, ElInputNumber, ElLink, ElMain, ElMenu, ElMenuItem, ElOption,
  ElPagination, ElPopover, ElResult, ElRow, ElScrollbar, ElSelect, ElSkeleton, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElSubMenu,
  ElButtonGroup, ElRadioGroup, ElRadioButton, ElStatistic,
];

export default {
  install(app) {
    for (const c of components) app.use(c);
    app.use(ElLoading);
  },
};
